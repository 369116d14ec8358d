-- A resident found by the keyed hash of the whole phone number: the hotline
-- matches each caller to the registry this way (core/hotline/tickets.c), and
-- without an index every call read the whole persons table (15 ms a ticket at
-- 100,000 residents, growing with the city).
CREATE INDEX persons_phone_hash ON persons (phone_hash);
