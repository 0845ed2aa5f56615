"""The household register 户籍底数: households, their members and tags as the county keeps them."""
