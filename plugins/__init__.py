"""The bundled kjgl plugins. Each subpackage is one subsystem, found through
the ``kjgl.plugins`` entry-point group and enabled per deployment."""
