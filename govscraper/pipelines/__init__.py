"""Item pipelines, one job each, in ``ITEM_PIPELINES`` order: clean → validate → images → attachments → store."""
