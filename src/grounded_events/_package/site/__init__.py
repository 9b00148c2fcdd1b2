"""The report site's assets (HTML templates, CSS, JS, country outlines) and the script that makes the outlines."""
