from server import privacy


def test_mask_id_number_shape():
    s = "610923199001011234"
    m = privacy.mask_id_number(s)
    assert m == "6109**********1234"
    assert len(m) == 18
    assert "19900101" not in m and s[4:14] not in m
    assert privacy.mask_id_number("11010519491231002X") == "1101**********002X"


def test_mask_phone_shape():
    m = privacy.mask_phone("13812345678")
    assert m == "138****5678"
    assert "1234" not in m


def test_masks_pass_through_empty_and_hide_short_values():
    for fn in (privacy.mask_id_number, privacy.mask_phone):
        assert fn(None) is None
        assert fn("") == ""
    assert privacy.mask_id_number("6109231990") == "*" * 10
    assert privacy.mask_phone("1381234") == "*" * 7


