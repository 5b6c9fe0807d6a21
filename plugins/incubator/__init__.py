"""天津市科技企业孵化器绩效评估系统."""


def includeme(config):
    config.add_route("incubator.home", "/incubator/")
    config.scan(".views")
