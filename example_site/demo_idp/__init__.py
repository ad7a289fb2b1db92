"""A demo OpenID Connect provider that mimics itsme, so ``make demo`` verifies identities offline.

Why it exists: the relying-party code (private_key_jwt, PKCE, nested signed-then-encrypted tokens,
acr levels, the national number claim) must run for real in the demo and in tests, without a phone
app, a network connection or an itsme partner contract. The "phone" is a page where the tester
picks a test person. Never enable it in production (system check ``demo_idp.W001``).
"""
