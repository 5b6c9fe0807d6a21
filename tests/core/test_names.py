"""One folding of names wherever names are compared (kjgl.core.names)."""
from kjgl.core.names import name_difference, name_key, same_name
from kjgl.core.review.services import carrier_key


def test_full_and_half_width_brackets_spaces_and_case_compare_equal():
    assert same_name("天津某某（集团）有限公司", "天津某某(集团)有限公司")
    assert same_name("ＡＢＣ 科技\u3000有限公司", "abc科技有限公司")
    assert not same_name("天津某某（集团）有限公司", "天津某某（团体）有限公司")


def test_a_carrier_is_one_carrier_whatever_its_brackets():
    assert carrier_key("和平创客空间（一期）") == carrier_key("和平创客空间(一期)") == name_key("和平创客空间 (一期)")


def test_the_difference_is_named():
    assert name_difference("天津某某(团体)有限公司", "天津某某（集团）有限公司", given_label="账户名称",
                           expected_label="单位名称") == "账户名称为“团体”，单位名称为“集团”"
    assert name_difference("天津某某有限公司", "天津某某（集团）有限公司", given_label="甲", expected_label="乙") \
        == "甲缺少“(集团)”"
