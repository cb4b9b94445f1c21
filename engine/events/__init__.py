"""Life events: apply an event to a household, compare the answers before and after, and say
what now applies, what stops and what to do by when (see :meth:`engine.engine.Engine.event`)."""
