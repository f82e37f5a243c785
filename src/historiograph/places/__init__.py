"""Places named in historical texts: offline geocoding against GeoNames and shipped lists."""
