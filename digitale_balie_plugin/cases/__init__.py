"""Case registration after the call (domain logic): build the record, deliver it exactly once with retries."""
