from pyramid.view import view_config

from kjgl.core.portal.views import module_home

from .hooks import MODULE


@view_config(route_name="incubator.home", renderer="kjgl.core:templates/module_home.pt",
             permission="incubator:module:use")
def home(request):
    return module_home(request, MODULE)
