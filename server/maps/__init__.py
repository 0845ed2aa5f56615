"""Map layers for the township and county views: unit boundaries with their figures, and dispute heat tiles."""
