"""What the product does for booking: the pure slot engine and the booking service layer."""
