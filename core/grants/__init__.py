def includeme(config):
    config.add_route("org.users", "/org/users")
    config.add_route("org.user.grants", "/org/users/{id:\\d+}/modules")
    config.add_route("me.profile", "/me/profile")
