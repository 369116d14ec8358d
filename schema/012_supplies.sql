-- 012: the public ledger, supplies (catalogue, warehouses, stock), requests and
-- shipments, donations and special funds.
-- Times are Unix seconds; days are integers (days since 1970-01-01, local);
-- money is in fen (integer hundredths of a yuan).

-- The public ledger: an RFC 9162 Merkle tree of published entries.
CREATE TABLE ledger_entries (
	idx   INTEGER PRIMARY KEY,   -- position in the log, from 0
	kind  TEXT NOT NULL,         -- donation.receipt, donation.allocation, fund.*, audit.head ...
	ref   TEXT,                  -- the record it publishes ("donation:12"), NULL for audit heads
	leaf  BLOB NOT NULL,         -- the exact bytes hashed (canonical JSON)
	at    INTEGER NOT NULL
);
CREATE INDEX ledger_entries_ref ON ledger_entries (ref);
-- Every complete subtree's hash: node = level * 2^48 + pos covers leaves
-- pos*2^level ... +2^level-1 (one integer key: one b-tree written per node).
CREATE TABLE ledger_nodes (
	node  INTEGER PRIMARY KEY,
	hash  BLOB NOT NULL
);
-- Every signed checkpoint; each new one is consistent with the one before.
CREATE TABLE ledger_checkpoints (
	size      INTEGER PRIMARY KEY,
	root      BLOB NOT NULL,
	note      TEXT NOT NULL,
	signed_at INTEGER NOT NULL
);

-- The catalogue.
CREATE TABLE items (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	category   TEXT NOT NULL,        -- mask, gown, goggles, gloves, thermometer, test_kit, disinfectant, other
	standard   TEXT,                 -- GB 19083-2010, GB 2626-2019 ...
	grade      TEXT,                 -- medical, civilian ...
	method     TEXT,                 -- test kits: pcr, antigen, antibody
	maker      TEXT,
	unit       TEXT NOT NULL,        -- piece, box, kit ...
	pack_size  INTEGER NOT NULL,     -- units in a pack
	tests_per_unit INTEGER,          -- test kits: tests one unit does
	low_days   INTEGER NOT NULL,     -- below this many days of supply: low stock
	created_at INTEGER NOT NULL
);

CREATE TABLE warehouses (
	id         INTEGER PRIMARY KEY,
	region     TEXT NOT NULL,        -- the scope key
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL,        -- district, street, hospital, community
	created_at INTEGER NOT NULL
);
CREATE INDEX warehouses_region ON warehouses (region, id);

CREATE TABLE lots (
	id         INTEGER PRIMARY KEY,
	item_id    INTEGER NOT NULL REFERENCES items (id),
	lot_no     TEXT NOT NULL,
	expiry_day INTEGER,              -- NULL: does not expire
	UNIQUE (item_id, lot_no)
);

-- The append-only stock ledger: every movement, signed quantities.
CREATE TABLE stock_moves (
	id           INTEGER PRIMARY KEY,
	warehouse_id INTEGER NOT NULL REFERENCES warehouses (id),
	region       TEXT NOT NULL,      -- the warehouse's region
	item_id      INTEGER NOT NULL REFERENCES items (id),
	lot_id       INTEGER NOT NULL REFERENCES lots (id),
	kind         TEXT NOT NULL,      -- receipt, issue, transfer_out, transfer_in, adjustment
	reason       TEXT,               -- adjustments: counted, damaged, expired, lost, found, consumed
	qty          INTEGER NOT NULL,   -- + in, - out
	day          INTEGER NOT NULL,
	ref          TEXT,               -- shipment:ID, donation:ID, count:ID ...
	note         TEXT,
	user_id      INTEGER NOT NULL,
	at           INTEGER NOT NULL
);
CREATE INDEX stock_moves_region ON stock_moves (region, id);
CREATE INDEX stock_moves_day ON stock_moves (warehouse_id, item_id, day);
-- Kept on write: on hand per warehouse and lot, and per warehouse and item.
CREATE TABLE stock_lots (
	warehouse_id INTEGER NOT NULL,
	lot_id       INTEGER NOT NULL,
	item_id      INTEGER NOT NULL,
	on_hand      INTEGER NOT NULL,
	PRIMARY KEY (warehouse_id, lot_id)
);
CREATE INDEX stock_lots_item ON stock_lots (warehouse_id, item_id);
CREATE TABLE stock_items (
	warehouse_id INTEGER NOT NULL,
	item_id      INTEGER NOT NULL,
	region       TEXT NOT NULL,
	on_hand      INTEGER NOT NULL,
	PRIMARY KEY (warehouse_id, item_id)
);
CREATE INDEX stock_items_region ON stock_items (region, warehouse_id, item_id);

-- Requests (requisitions) and their shipment.
CREATE TABLE requests (
	id           INTEGER PRIMARY KEY,
	region       TEXT NOT NULL,      -- the requesting community or hospital: the scope key
	warehouse_id INTEGER NOT NULL REFERENCES warehouses (id),  -- to supply it
	state        TEXT NOT NULL,      -- created, submitted, approved, rejected, picked, shipped,
	                                 -- partially_received, received, cancelled
	reason       TEXT NOT NULL,
	needed_by    INTEGER NOT NULL,   -- day
	created_by   INTEGER NOT NULL,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX requests_region ON requests (region, id);
CREATE TABLE request_lines (
	id             INTEGER PRIMARY KEY,
	request_id     INTEGER NOT NULL REFERENCES requests (id),
	item_id        INTEGER NOT NULL REFERENCES items (id),
	qty_requested  INTEGER NOT NULL,
	qty_approved   INTEGER,
	qty_shipped    INTEGER NOT NULL DEFAULT 0,
	qty_received   INTEGER NOT NULL DEFAULT 0,
	qty_damaged    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX request_lines_request ON request_lines (request_id, id);
CREATE TABLE request_events (
	id         INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests (id),
	at         INTEGER NOT NULL,
	user_id    INTEGER NOT NULL,
	level      TEXT,                 -- approvals: the approver's region
	from_state TEXT,
	to_state   TEXT NOT NULL,
	note       TEXT
);
CREATE INDEX request_events_request ON request_events (request_id, id);
-- Tests done with kits, per region and day (kits issued vs tests recorded).
CREATE TABLE kit_tests (
	id        INTEGER PRIMARY KEY,
	region    TEXT NOT NULL,
	item_id   INTEGER NOT NULL REFERENCES items (id),
	day       INTEGER NOT NULL,
	tests     INTEGER NOT NULL,
	user_id   INTEGER NOT NULL,
	at        INTEGER NOT NULL
);
CREATE INDEX kit_tests_region ON kit_tests (region, id);

-- Donations.
CREATE TABLE donations (
	id            INTEGER PRIMARY KEY,
	region        TEXT NOT NULL,     -- the receiving body's region: the scope key
	donor_kind    TEXT NOT NULL,     -- organisation, person
	donor_name    TEXT NOT NULL,     -- a person's name is never published
	donor_public  INTEGER NOT NULL,  -- organisations: 1; persons: 0 (anonymous)
	kind          TEXT NOT NULL,     -- money, goods
	amount_fen    INTEGER,           -- money
	item_id       INTEGER REFERENCES items (id),  -- goods
	qty           INTEGER,
	value_fen     INTEGER,           -- goods: declared value
	designated_region TEXT,          -- the donor's designated recipient (binding)
	designated_purpose TEXT,
	voucher       TEXT NOT NULL,     -- bank slip or waybill number
	receipt_no    TEXT NOT NULL,     -- our receipt voucher
	received_day  INTEGER NOT NULL,
	received_at   INTEGER NOT NULL,
	emergency     INTEGER NOT NULL,  -- received during a declared emergency (24 h to publish)
	salt          BLOB NOT NULL,     -- given to the donor: SHA-256(salt || name) is published
	ledger_idx    INTEGER,
	published_at  INTEGER,
	allocated     INTEGER NOT NULL DEFAULT 0,  -- qty or fen allocated so far
	created_by    INTEGER NOT NULL
);
CREATE INDEX donations_region ON donations (region, id);
CREATE TABLE donation_allocations (
	id           INTEGER PRIMARY KEY,
	donation_id  INTEGER NOT NULL REFERENCES donations (id),
	region       TEXT NOT NULL,      -- the donation's region (scope)
	to_region    TEXT NOT NULL,      -- the recipient
	recipient    TEXT NOT NULL,      -- the unit that signs for it (a ward, a community)
	amount       INTEGER NOT NULL,   -- qty (goods) or fen (money); negative for a reversal
	purpose      TEXT NOT NULL,
	day          INTEGER NOT NULL,
	delivered_day INTEGER,
	reverses     INTEGER REFERENCES donation_allocations (id),
	reason       TEXT,               -- reversals: why
	ledger_idx   INTEGER,
	created_by   INTEGER NOT NULL,
	at           INTEGER NOT NULL
);
CREATE INDEX donation_allocations_region ON donation_allocations (region, id);
CREATE INDEX donation_allocations_donation ON donation_allocations (donation_id, id);

-- Special funds: one account per region; allocations down the hierarchy.
CREATE TABLE fund_allocations (
	id           INTEGER PRIMARY KEY,
	region       TEXT NOT NULL,      -- the receiving region: the scope key
	from_region  TEXT,               -- NULL: appropriated from outside (the level above the system)
	parent_id    INTEGER REFERENCES fund_allocations (id),  -- the allocation it is passed down from
	purpose      TEXT NOT NULL,      -- treatment, subsidy, equipment, supplies, other
	amount_fen   INTEGER NOT NULL,
	passed_fen   INTEGER NOT NULL DEFAULT 0,  -- passed down to children (net)
	spent_fen    INTEGER NOT NULL DEFAULT 0,  -- disbursed (net)
	doc_no       TEXT NOT NULL,      -- 文号
	day          INTEGER NOT NULL,
	reversed_by  INTEGER,            -- a reversing entry
	ledger_idx   INTEGER,
	created_by   INTEGER NOT NULL,
	at           INTEGER NOT NULL
);
CREATE INDEX fund_allocations_region ON fund_allocations (region, id);
CREATE TABLE fund_entries (
	id            INTEGER PRIMARY KEY,
	region        TEXT NOT NULL,     -- the allocation's region: the scope key
	allocation_id INTEGER NOT NULL REFERENCES fund_allocations (id),
	kind          TEXT NOT NULL,     -- disbursement, reversal
	purpose       TEXT NOT NULL,     -- what it was spent on (must be the allocation's)
	amount_fen    INTEGER NOT NULL,  -- + spent, - a reversal
	payee         TEXT NOT NULL,
	voucher       TEXT NOT NULL,
	approver      TEXT NOT NULL,
	persons       INTEGER,           -- subsidies: person-days paid
	rate_fen      INTEGER,           -- subsidies: per person-day
	day           INTEGER NOT NULL,
	reverses      INTEGER REFERENCES fund_entries (id),
	reason        TEXT,
	ledger_idx    INTEGER,
	created_by    INTEGER NOT NULL,
	at            INTEGER NOT NULL
);
CREATE INDEX fund_entries_region ON fund_entries (region, id);
CREATE INDEX fund_entries_allocation ON fund_entries (allocation_id, id);
