# kjgl's fixtures come from the kjgl.core.testing pytest plugin (pytest11 entry point).
