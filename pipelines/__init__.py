"""Item pipelines, in the order of ``ITEM_PIPELINES``: text → dates → validation."""
