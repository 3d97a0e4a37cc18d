"""``{% editorial_dashboard %}``: the dashboard block that templates/admin/index.html shows to staff."""

from django import template

from sitewide import dashboard

register = template.Library()


@register.inclusion_tag("admin/heritage/dashboard.html")
def editorial_dashboard():
    return {
        "groups": dashboard.editorial_counts(),
        "changes": dashboard.recent_changes(),
        "figures": dashboard.figures_beside_register(),
    }
