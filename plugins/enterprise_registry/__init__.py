"""科技型企业信息系统."""


def includeme(config):
    config.add_route("enterprise_registry.home", "/enterprise-registry/")
    config.scan(".views")
