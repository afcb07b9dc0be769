"""Static file storage for production: WhiteNoise's compressed manifest storage, without
rewriting the source-map comments of JavaScript files.

The vendored bundles (vega-embed, …) end in `//# sourceMappingURL=….map`, but their source maps
are not shipped; Django's manifest storage would then refuse `collectstatic`
("MissingFileError"). CSS `url()` references are still hashed as usual.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    patterns = tuple(p for p in CompressedManifestStaticFilesStorage.patterns if p[0] != "*.js")
