"""``{% editorial_dashboard %}``: the dashboard block that templates/admin/index.html shows to staff."""

from django import template

from sitewide import dashboard

register = template.Library()


@register.inclusion_tag("admin/heritage/dashboard.html", takes_context=True)
def editorial_dashboard(context):
    user = context["request"].user
    queue, queue_items = dashboard.review_queue(user)
    return {
        "queue": queue,
        "queue_items": queue_items,
        "own_proposals": dashboard.own_proposals(user),
        "groups": dashboard.editorial_counts(),
        "changes": dashboard.recent_edits(),
        "figures": dashboard.figures_beside_register(),
    }
