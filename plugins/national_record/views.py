from pyramid.view import view_config

from kjgl.core.portal.views import module_home

from .hooks import MODULE


@view_config(route_name="national_record.home", renderer="kjgl.core:templates/module_home.pt",
             permission="national_record:module:use")
def home(request):
    return module_home(request, MODULE)
