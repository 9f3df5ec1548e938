"""Item pipelines, one job each, in ``ITEM_PIPELINES`` order: normalize → validate → images → attachments → store."""
