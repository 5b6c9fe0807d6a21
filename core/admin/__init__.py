"""Platform administration (系统管理员): agency staff accounts.

The audit log page (route ``admin.audit``) lives in :mod:`kjgl.core.audit`."""


def includeme(config):
    config.add_route("admin.staff", "/admin/staff")
    config.add_route("admin.staff.new", "/admin/staff/new")
    config.add_route("admin.staff.detail", "/admin/staff/{id:\\d{1,9}}")
    config.add_route("admin.staff.status", "/admin/staff/{id:\\d{1,9}}/status")
    config.add_route("admin.staff.head", "/admin/staff/{id:\\d{1,9}}/head")
    config.add_route("admin.staff.reset", "/admin/staff/{id:\\d{1,9}}/reset-password")
    config.add_route("admin.agencies", "/admin/agencies")
    config.add_route("admin.agency.new", "/admin/agencies/new")
    config.add_route("admin.agency.edit", "/admin/agencies/{id:\\d{1,9}}")
    config.add_route("admin.agency.status", "/admin/agencies/{id:\\d{1,9}}/status")
    config.add_route("admin.agency.delete", "/admin/agencies/{id:\\d{1,9}}/delete")
    config.scan(".views")
    config.scan(".agency_views")
