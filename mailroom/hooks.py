"""Where later apps shape an outbound e-mail at the moment it is sent.

`outbound_renderers`: callables (outbound, text, html) -> (text, html), applied by `build_message`
just before sending. The portal uses it to put its one-time sign-in link into the message without
the link ever being written to the OutboundEmail row.
"""

outbound_renderers: list = []
