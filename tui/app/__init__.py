"""The Textual layer: screens and widgets that render the core's state and turn keys into
events. Build the app with `tui.app.factory.build_app`."""
