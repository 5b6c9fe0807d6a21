def includeme(config):
    config.add_route("org.users", "/org/users")
    config.add_route("org.user.grants", "/org/users/{id:\\d+}/modules")
    config.add_route("org.user.status", "/org/users/{id:\\d+}/status")
    config.add_route("org.user.password", "/org/users/{id:\\d+}/password")
    config.add_route("me.profile", "/me/profile")
    config.add_route("me.org.choose", "/me/organisation")
    config.scan(".views")
    config.scan(".profile_views")
