"""The one exception callers of the media processing functions need to catch."""


class MediaRejected(Exception):
    """An uploaded file was refused; ``message`` is German and can be shown to the editor.

    ``code`` is a stable machine-readable reason (``"empty"``, ``"too_large"``,
    ``"unsupported_type"``, ``"too_many_pixels"``, ``"bad_dimensions"``, ``"too_many_frames"``,
    ``"corrupt"``, ``"unsupported_container"``, ``"unsupported_codec"``, ``"no_video_stream"``,
    ``"zero_duration"``, ``"too_long"``), e.g. for ``ValidationError(exc.message, code=exc.code)``
    or for the API's error payload.
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __repr__(self) -> str:
        return f"MediaRejected(code={self.code!r}, message={self.message!r})"
