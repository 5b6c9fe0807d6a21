def includeme(config):
    config.add_route("org.profile", "/org/profile")
    config.add_route("org.status", "/org/status")
    config.add_route("agency.orgs", "/agency/organisations")
    config.add_route("agency.org", "/agency/organisations/{id:\\d+}")
