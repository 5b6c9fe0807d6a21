def includeme(config):
    config.add_route("admin.staff", "/admin/staff")
    config.add_route("admin.audit", "/admin/audit")
