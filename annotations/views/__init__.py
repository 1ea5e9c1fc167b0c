"""Pages and htmx partials. Thin: parse the request, call a service or selector, render."""
