-- A provider's request for access is a pending right (origin "request", awaiting the
-- principal), decided like any right; this table of a first design was never written to.
DROP TABLE provider_access_requests;
