"""URLs and referrers reduced to what the policy keeps: parts, hosts, classification, scrub."""
