"""Each network's limits: exactly at the limit passes, one over fails."""

import pytest
from django.utils import translation

from newsroom.channel_rules import (
    NETWORK_LIMITS,
    NETWORKS,
    MediaFacts,
    VariantDraft,
    VariantReport,
    count_hashtags,
    count_mentions,
    validate_post,
    validate_variant,
    x_weighted_length,
)

LINK = "https://www.stadt-koeln.de/leben-in-koeln/verkehr/radverkehr/neue-radwege-2026"


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def image(width: int = 1080, height: int = 1080, alt: str = "Radweg am Rhein", name: str = ""):
    return MediaFacts(kind="image", width=width, height=height, alt_text=alt, name=name)


def video(duration: float = 30, name: str = ""):
    return MediaFacts(kind="video", width=1080, height=1920, duration_s=duration, name=name)


def check(network: str, text: str = "", **kwargs) -> VariantReport:
    return validate_variant(VariantDraft(network=network, text=text, **kwargs))


def codes(report: VariantReport) -> list[str]:
    return [issue.code for issue in report.issues]


def error_codes(report: VariantReport) -> list[str]:
    return [issue.code for issue in report.errors]


def counter(report: VariantReport, label: str):
    (found,) = [item for item in report.counters if item.label == label]
    return found


def hashtags(count: int) -> str:
    return " ".join(f"#Tag{number}x" for number in range(count))


def mentions(count: int) -> str:
    return " ".join(f"@konto_{number}" for number in range(count))


# --- X ----------------------------------------------------------------------------------------


def test_it_accepts_280_characters_on_x():
    report = check("x", "a" * 280)
    assert report.ok
    assert counter(report, "Text (gewichtet)").used == 280
    assert counter(report, "Text (gewichtet)").limit == 280
    assert not counter(report, "Text (gewichtet)").over


def test_it_rejects_281_characters_on_x_with_a_german_message():
    report = check("x", "a" * 281)
    assert error_codes(report) == ["text_too_long"]
    assert report.issues[0].field == "text"
    assert report.issues[0].message == (
        "Der Text ist 281 von 280 möglichen Zeichen lang (gewichtet: Links zählen 23, "
        "Emojis 2). Bitte kürzen Sie um 1 Zeichen."
    )
    assert counter(report, "Text (gewichtet)").over


def test_it_counts_a_url_as_23_on_x():
    assert len(LINK) > 23
    text = "a" * 256 + " " + LINK  # 256 + 1 + 23 = 280
    assert check("x", text).ok
    report = check("x", "a" + text)
    assert error_codes(report) == ["text_too_long"]
    assert counter(report, "Text (gewichtet)").used == 281


def test_it_counts_an_emoji_as_2_on_x():
    assert check("x", "a" * 278 + "😀").ok
    assert error_codes(check("x", "a" * 279 + "😀")) == ["text_too_long"]
    # A family emoji is several code points but still one emoji.
    assert x_weighted_length("👩‍👩‍👧") == 2


def test_it_counts_cjk_as_2_and_umlauts_as_1_on_x():
    assert check("x", "日" * 140).ok
    assert not check("x", "日" * 141).ok
    assert check("x", "ä" * 280).ok


def test_it_counts_the_appended_link_on_x():
    assert check("x", "a" * 256, link=LINK).ok  # 256 + space + 23
    report = check("x", "a" * 257, link=LINK)
    assert counter(report, "Text (gewichtet)").used == 281
    assert error_codes(report) == ["text_too_long"]
    assert "mit dem angehängten Link 281 von 280" in report.issues[0].message


def test_it_does_not_count_a_link_twice_when_the_text_already_contains_it():
    report = check("x", "a" * 256 + " " + LINK, link=LINK)
    assert report.ok
    assert counter(report, "Text (gewichtet)").used == 280


def test_it_counts_a_windows_line_break_once():
    assert check("x", "a" * 139 + "\r\n" + "a" * 140).ok
    assert check("facebook", "a" * 63_205 + "\r\n").ok


def test_it_rejects_an_empty_post_on_x():
    report = check("x", "  ")
    assert error_codes(report) == ["text_or_media_required"]
    assert check("x", "", media=[image()]).ok


def test_it_allows_4_images_on_x_but_not_5():
    assert check("x", "Hallo", media=[image()] * 4).ok
    report = check("x", "Hallo", media=[image()] * 5)
    assert error_codes(report) == ["too_many_images"]
    assert report.issues[0].message == (
        "X erlaubt höchstens 4 Bilder pro Beitrag; angehängt sind 5."
    )


def test_it_allows_one_video_on_x_but_not_two():
    assert check("x", "Hallo", media=[video()]).ok
    report = check("x", "Hallo", media=[video(), video()])
    assert error_codes(report) == ["too_many_videos"]
    assert report.issues[0].message == (
        "X erlaubt höchstens ein Video pro Beitrag; angehängt sind 2."
    )


def test_it_rejects_images_and_video_together_on_x():
    assert error_codes(check("x", "Hallo", media=[image(), video()])) == ["media_mixed"]


def test_it_limits_alt_text_to_1000_characters_on_x_only():
    assert check("x", "Hallo", media=[image(alt="a" * 1000)]).ok
    report = check("x", "Hallo", media=[image(alt="a" * 1001, name="rhein.jpg")])
    assert error_codes(report) == ["alt_text_too_long"]
    assert "rhein.jpg" in report.issues[0].message
    assert "1.001 Zeichen" in report.issues[0].message
    assert check("facebook", "Hallo", media=[image(alt="a" * 1001)]).ok


# --- Instagram --------------------------------------------------------------------------------


def test_it_accepts_30_hashtags_on_instagram_but_not_31():
    report = check("instagram", hashtags(30), media=[image()])
    assert report.ok
    assert counter(report, "Hashtags").used == 30
    assert counter(report, "Hashtags").limit == 30
    report = check("instagram", hashtags(31), media=[image()])
    assert error_codes(report) == ["too_many_hashtags"]
    assert counter(report, "Hashtags").over
    assert report.issues[0].message == (
        "Der Text enthält 31 Hashtags, Instagram erlaubt höchstens 30. "
        "Bitte entfernen Sie einen Hashtag."
    )


def test_it_accepts_20_mentions_on_instagram_but_not_21():
    report = check("instagram", mentions(20), media=[image()])
    assert report.ok
    assert counter(report, "Erwähnungen").used == 20
    report = check("instagram", mentions(22), media=[image()])
    assert error_codes(report) == ["too_many_mentions"]
    assert "Bitte entfernen Sie 2 Erwähnungen." in report.issues[0].message
    assert error_codes(check("instagram", mentions(21), media=[image()])) == ["too_many_mentions"]


def test_it_counts_hashtags_with_unicode_letters():
    assert count_hashtags("#Köln #Radweg2026 #Straßenfest #été") == 4
    # Only digits, glued to a word, an HTML entity, a URL fragment, the keycap emoji: none.
    assert count_hashtags("#2026 Stadt#Köln &#39; https://stadt.de/#anker #️⃣") == 0
    assert count_hashtags("#Köln\r\n#Köln") == 2  # repeats count


def test_it_counts_mentions_but_not_email_addresses_or_urls():
    assert count_mentions("@stadt.koeln und @feuerwehr_koeln.") == 2
    assert count_mentions("info@stadt-koeln.de https://mastodon.social/@stadt") == 0


def test_it_accepts_a_2200_character_caption_but_not_2201():
    report = check("instagram", "a" * 2200, media=[image()])
    assert report.ok
    assert counter(report, "Bildunterschrift").used == 2200
    assert counter(report, "Bildunterschrift").limit == 2200
    report = check("instagram", "a" * 2201, media=[image()])
    assert error_codes(report) == ["text_too_long"]
    assert report.issues[0].message == (
        "Der Text ist 2.201 von 2.200 möglichen Zeichen lang. Bitte kürzen Sie um 1 Zeichen."
    )


@pytest.mark.parametrize(
    ("width", "height"),
    [(1080, 1350), (800, 1000), (1910, 1000), (1080, 1080), (1200, 628), (1080, 566)],
)
def test_it_accepts_aspect_ratios_from_4_5_to_1_91_on_instagram(width, height):
    assert check("instagram", "Hallo", media=[image(width, height)]).ok


def test_it_rejects_a_too_tall_image_on_instagram():
    report = check("instagram", "Hallo", media=[image(790, 1000, name="turm.jpg")])
    assert error_codes(report) == ["aspect_ratio"]
    assert report.issues[0].field == "media"
    message = report.issues[0].message
    assert "„turm.jpg“" in message
    assert "0,79:1" in message
    assert "Hochformat-Fassung (4:5)" in message


def test_it_rejects_a_too_wide_image_on_instagram():
    report = check("instagram", "Hallo", media=[image(1920, 1000, name="panorama.jpg")])
    assert error_codes(report) == ["aspect_ratio"]
    message = report.issues[0].message
    assert "„panorama.jpg“" in message
    assert "1,92:1" in message
    assert "quadratische Fassung (1:1)" in message


def test_it_checks_aspect_ratio_only_on_instagram():
    assert check("facebook", "Hallo", media=[image(1920, 1000)]).ok


def test_it_skips_the_aspect_ratio_when_the_size_is_unknown():
    media = [MediaFacts(kind="image", alt_text="Rathaus")]
    assert check("instagram", "Hallo", media=media).ok


def test_it_requires_media_on_instagram():
    report = check("instagram", "Hallo")
    assert error_codes(report) == ["media_required"]
    assert report.issues[0].message == "Instagram braucht mindestens ein Bild oder Video."


def test_it_allows_a_carousel_of_10_on_instagram_but_not_11():
    assert check("instagram", "Hallo", media=[image()] * 9 + [video()]).ok
    report = check("instagram", "Hallo", media=[image()] * 11)
    assert error_codes(report) == ["too_many_items"]
    assert "höchstens 10 Bilder und Videos" in report.issues[0].message


@pytest.mark.parametrize("duration", [3, 900])
def test_it_accepts_reels_from_3_seconds_to_15_minutes(duration):
    assert check("instagram", "Hallo", media=[video(duration)]).ok


def test_it_rejects_too_short_and_too_long_reels():
    report = check("instagram", "Hallo", media=[video(2.9, name="kurz.mp4")])
    assert error_codes(report) == ["video_too_short"]
    assert report.issues[0].message == (
        "Video „kurz.mp4“ ist nur 2,9 Sekunden lang; Instagram verlangt mindestens 3 Sekunden."
    )
    report = check("instagram", "Hallo", media=[video(900.5, name="lang.mp4")])
    assert error_codes(report) == ["video_too_long"]
    assert report.issues[0].message == (
        "Video „lang.mp4“ ist 15:01 Minuten lang; Instagram erlaubt höchstens 15:00 Minuten."
    )


def test_it_warns_about_links_in_an_instagram_caption():
    report = check("instagram", "Mehr auf stadt-koeln.de", media=[image()])
    assert report.ok
    assert codes(report) == ["link_not_clickable"]
    assert report.warnings[0].level == "warning"
    assert "nicht anklickbar" in report.warnings[0].message
    assert codes(check("instagram", "Ohne Link", media=[image()])) == []


# --- Facebook ---------------------------------------------------------------------------------


def test_it_accepts_63206_characters_on_facebook_but_not_63207():
    report = check("facebook", "a" * 63_206)
    assert report.ok
    assert counter(report, "Text").used == 63_206
    assert counter(report, "Text").limit == 63_206
    report = check("facebook", "a" * 63_207)
    assert error_codes(report) == ["text_too_long"]
    assert "63.207 von 63.206 möglichen Zeichen" in report.issues[0].message


def test_it_allows_10_photos_on_facebook_but_not_11():
    assert check("facebook", "Hallo", media=[image()] * 10).ok
    report = check("facebook", "Hallo", media=[image()] * 11)
    assert error_codes(report) == ["too_many_images"]
    assert "höchstens 10 Bilder" in report.issues[0].message


def test_it_rejects_photo_and_video_together_on_facebook():
    report = check("facebook", "Hallo", media=[image(), video()])
    assert error_codes(report) == ["media_mixed"]
    assert report.issues[0].message == (
        "Facebook erlaubt entweder Bilder oder ein Video, aber nicht beides in einem Beitrag."
    )
    assert error_codes(check("facebook", "Hallo", media=[video(), video()])) == ["too_many_videos"]


def test_it_rejects_an_empty_post_on_facebook():
    assert error_codes(check("facebook", "")) == ["text_or_media_required"]
    assert check("facebook", "", media=[video()]).ok


# --- YouTube ----------------------------------------------------------------------------------


def test_it_accepts_a_100_character_title_on_youtube_but_not_101():
    report = check("youtube", title="a" * 100, media=[video()])
    assert report.ok
    assert counter(report, "Titel").used == 100
    assert counter(report, "Titel").limit == 100
    report = check("youtube", title="a" * 101, media=[video()])
    assert error_codes(report) == ["title_too_long"]
    assert report.issues[0].field == "title"
    assert "101 von 100 möglichen Zeichen" in report.issues[0].message


def test_it_requires_a_title_without_angle_brackets_on_youtube():
    assert error_codes(check("youtube", title=" ", media=[video()])) == ["title_required"]
    report = check("youtube", title="Neue <Radwege>", media=[video()])
    assert error_codes(report) == ["title_forbidden_characters"]
    assert "spitzen Klammern" in report.issues[0].message


def test_it_counts_the_youtube_description_in_bytes():
    report = check("youtube", "ä" * 2500, title="Radwege", media=[video()])
    assert report.ok
    description = counter(report, "Beschreibung")
    assert (description.used, description.limit, description.unit) == (5000, 5000, "Bytes")
    report = check("youtube", "ä" * 2500 + "a", title="Radwege", media=[video()])
    assert error_codes(report) == ["text_too_long"]
    assert report.issues[0].message == (
        "Die Beschreibung ist 5.001 von 5.000 möglichen Bytes lang (Umlaute und ß zählen "
        "doppelt). Bitte kürzen Sie um 1 Byte."
    )


def test_it_rejects_an_image_instead_of_a_video_on_youtube():
    report = check("youtube", title="Radwege", media=[image()])
    assert error_codes(report) == ["exactly_one_video"]
    assert report.issues[0].message.startswith("YouTube braucht genau ein Video")


def test_it_needs_exactly_one_video_on_youtube():
    assert error_codes(check("youtube", title="Radwege")) == ["exactly_one_video"]
    report = check("youtube", title="Radwege", media=[video(), video()])
    assert error_codes(report) == ["exactly_one_video"]
    assert "angehängt sind 2" in report.issues[0].message
    report = check("youtube", title="Radwege", media=[video(), image()])
    assert error_codes(report) == ["exactly_one_video"]


# --- Website and press release ----------------------------------------------------------------


def test_it_requires_title_and_body_on_the_website():
    report = check("website", "")
    assert sorted(error_codes(report)) == ["text_required", "title_required"]
    assert {issue.field for issue in report.issues} == {"text", "title"}
    assert check("website", "Text", title="Überschrift").ok


def test_it_limits_the_website_title_to_200_characters():
    report = check("website", "Text", title="a" * 200)
    assert report.ok
    assert (counter(report, "Titel").used, counter(report, "Titel").limit) == (200, 200)
    assert error_codes(check("website", "Text", title="a" * 201)) == ["title_too_long"]


def test_it_warns_about_a_long_website_teaser_and_rejects_one_over_500():
    assert codes(check("website", "Text", title="T", teaser="a" * 300)) == []
    report = check("website", "Text", title="T", teaser="a" * 301)
    assert report.ok
    assert codes(report) == ["teaser_long"]
    assert "Teaser ist lang" in report.issues[0].message
    report = check("website", "Text", title="T", teaser="a" * 500)
    assert report.ok
    assert (counter(report, "Teaser").used, counter(report, "Teaser").limit) == (500, 500)
    report = check("website", "Text", title="T", teaser="a" * 501)
    assert codes(report) == ["teaser_too_long"]
    assert report.issues[0].field == "teaser"


def test_it_allows_any_media_on_the_website():
    assert check("website", "Text", title="T", media=[image()] * 25 + [video()]).ok


def test_it_requires_title_and_body_for_a_press_release():
    report = check("press", "")
    assert sorted(error_codes(report)) == ["text_required", "title_required"]
    assert [issue.message for issue in report.issues] == [
        "Bitte schreiben Sie einen Text – im Kanal „Pressemitteilung“ ist er Pflicht.",
        "Bitte geben Sie einen Titel ein – im Kanal „Pressemitteilung“ ist er Pflicht.",
    ]
    assert check("press", "Text", title="T").ok
    assert check("press", "Text", title="T", teaser="a" * 5000, media=[image(), video()]).ok
    assert check("press", "Text", title="T").counters == []


# --- Every network ----------------------------------------------------------------------------

VALID = {
    "facebook": {"text": "Hallo"},
    "instagram": {"text": "Hallo"},
    "x": {"text": "Hallo"},
    "youtube": {"title": "Radwege"},
    "website": {"text": "Text", "title": "Überschrift"},
    "press": {"text": "Text", "title": "Überschrift"},
}


@pytest.mark.parametrize("network", NETWORKS)
def test_it_requires_alt_text_for_images_on_every_network(network):
    media = [image(alt="Rathaus")] if network != "youtube" else [video()]
    assert validate_variant(VariantDraft(network=network, media=media, **VALID[network])).ok
    media = [*media[:-1], image(alt="  ", name="rathaus.jpg")]
    if network == "youtube":
        media = [image(alt="", name="rathaus.jpg")]
    report = validate_variant(VariantDraft(network=network, media=media, **VALID[network]))
    assert "alt_text_missing" in error_codes(report)
    (missing,) = [issue for issue in report.issues if issue.code == "alt_text_missing"]
    assert missing.field == "media"
    assert missing.message == (
        "Bild „rathaus.jpg“ hat keinen Alternativtext. Alternativtexte sind Pflicht "
        "(Barrierefreiheit)."
    )


def test_it_names_an_unnamed_image_by_its_position():
    report = check("x", "Hallo", media=[image(), image(alt="")])
    assert "„Anhang 2“" in report.issues[0].message


def test_it_knows_exactly_the_six_networks():
    assert set(NETWORK_LIMITS) == {"facebook", "instagram", "x", "youtube", "website", "press"}
    assert NETWORK_LIMITS["x"].text_max == 280
    assert NETWORK_LIMITS["instagram"].hashtags_max == 30
    with pytest.raises(TypeError):
        NETWORK_LIMITS["x"] = NETWORK_LIMITS["facebook"]  # type: ignore[index]


def test_it_rejects_an_unknown_network():
    with pytest.raises(ValueError, match="mastodon"):
        check("mastodon", "Hallo")


def test_it_validates_all_variants_of_a_post():
    reports = validate_post(
        [
            VariantDraft(network="x", text="a" * 281),
            VariantDraft(network="facebook", text="Hallo"),
        ]
    )
    assert set(reports) == {"x", "facebook"}
    assert not reports["x"].ok
    assert reports["facebook"].ok


def test_it_refuses_two_variants_for_one_network():
    with pytest.raises(ValueError, match="facebook"):
        validate_post([VariantDraft(network="facebook"), VariantDraft(network="facebook")])
