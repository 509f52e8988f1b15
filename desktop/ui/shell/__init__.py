"""The windows and what holds them together: the app's windows, the main window, its
menus, geometry, appearance, About, file handling, single instance. The only package
that may import every other feature; none imports it."""
