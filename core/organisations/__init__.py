from .access import can_change, can_view
from .schemas import OWNER_TYPE


def includeme(config):
    config.add_route("org.profile", "/org/profile")
    config.add_route("org.status", "/org/status")
    config.add_route("org.risk_letter", "/org/risk-commitment-letter.docx")
    config.add_route("agency.orgs", "/agency/organisations")
    config.add_route("agency.org", "/agency/organisations/{id:\\d{1,9}}")
    config.add_route("agency.org.decide", "/agency/organisations/{id:\\d{1,9}}/decision")
    config.add_attachment_owner(OWNER_TYPE, can_view, can_change)
    config.scan(".views")
    config.scan(".review_views")
