"""The household register 户籍, kept true from the field and the office (docs/domain.md, "Households 户 and the
register"): registering households with the next free code of their cell (codes.py), correcting them, members
joining and leaving, retiring them (changes.py), moving them between cells (moves.py); the checks against what
the register holds (checks.py: ID numbers unique among the living, locations in their cell) and the bodies the
API and the phones' sync items share (schemas.py, fields.py). No Flask: the API (server/api/households/) and sync
(server/sync/) call it and turn its RegisterError into their answers. A county's existing register comes in
through importer.py (`flask register import`, the admin's upload)."""
