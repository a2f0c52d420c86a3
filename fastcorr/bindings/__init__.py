"""From user objects to kernel arguments and back: coerce, validate, plan, dispatch, relabel."""
