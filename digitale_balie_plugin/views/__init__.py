"""What people see: citizen routes, clerk screens, webhooks."""
