def includeme(config):
    config.add_route("portal", "/portal")
    config.scan(".views")
