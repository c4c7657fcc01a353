-- selection_index is derived data that gains NOT NULL columns next; it is rebuilt by the next
-- supplier review (daily, or POST /v1/supplier-reviews), sales import or product change.
TRUNCATE "selection_index";
