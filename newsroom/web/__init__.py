"""The newsroom's browser pages: posts, composer, media library, notifications, audit log."""
