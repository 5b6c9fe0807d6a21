"""天津市众创空间绩效评估系统."""


def includeme(config):
    config.add_route("makerspace.home", "/makerspace/")
    config.scan(".views")
