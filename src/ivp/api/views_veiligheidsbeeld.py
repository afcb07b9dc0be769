"""The veiligheidsbeeld of a municipality through the API: the picture of the page and memo."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ivp.areas.selectors import area_by_code
from ivp.core.errors import NotFoundError
from ivp.veiligheidsbeeld.selectors import latest_period, veiligheidsbeeld_get

from . import serializers_veiligheidsbeeld as vb
from .views import _query


class Veiligheidsbeeld(APIView):
    @extend_schema(
        tags=["statistics"],
        parameters=[vb.VeiligheidsbeeldQuerySerializer],
        responses=vb.VeiligheidsbeeldSerializer,
    )
    def get(self, request: Request, code: str) -> Response:
        """The veiligheidsbeeld of a municipality for a year or a half year (the half-year memo),
        as the web page shows it: per main group and crime type the count, the rate per 1,000
        and the change against the same months a year earlier, for the municipality and its
        comparisons (police unit, safety region, province, the Netherlands, similar
        municipalities, a chosen group); the largest changes, what stands out with the test
        used, the sources and whether the figures are demonstration data."""
        area = area_by_code(code=code)
        if area is None:
            raise NotFoundError(_("No area '%(code)s'.") % {"code": code})
        if not area.is_municipality:
            raise NotFoundError(
                _("A veiligheidsbeeld is made for a municipality; %(code)s is not one.") % {"code": area.code}
            )
        query = _query(vb.VeiligheidsbeeldQuerySerializer, request)
        group = query.get("group")
        picture = veiligheidsbeeld_get(
            area_code=area.code,
            period=query.get("period") or latest_period(),
            group_code=group.code if group is not None else None,
        )
        return Response(vb.VeiligheidsbeeldSerializer(vb.veiligheidsbeeld_data(picture)).data)
