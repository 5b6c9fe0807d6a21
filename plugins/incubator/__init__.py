"""天津市科技企业孵化器绩效评估系统."""


def includeme(config):
    from .schemas import FILING

    # list, form, attachments, Word, review pages, Excel and batches come from
    # the shared filing machinery; this plugin only declares what differs
    config.include_filing(FILING, prefix="/incubator")
