from talos_dynamic.masking import mask_headers, mask_json, mask_url


def test_json_secrets_are_masked_but_containers_stay_readable():
    derived = {
        "token": {"token": "eyJhbGciOi.payload.sig", "claims": {"sub": "user_123"}},
        "secret": "sk_x",
        "credential": "",
        "password": None,
        "items": [{"api_key": "k1", "name": "n"}],
    }
    assert mask_json(derived) == {
        "token": {"token": "***", "claims": {"sub": "user_123"}},
        "secret": "***",
        "credential": "",
        "password": None,
        "items": [{"api_key": "***", "name": "n"}],
    }
    assert mask_json({"pin": "1234"}, frozenset({"pin"})) == {"pin": "***"}


def test_headers_and_urls():
    headers = mask_headers(
        {"Authorization": "Bearer abc", "X-API-Key": "k", "Accept": "application/json", "X-Custom-Key": "c"},
        frozenset({"x-custom-key"}),
    )
    assert headers == {
        "Authorization": "Bearer ***",
        "X-API-Key": "***",
        "Accept": "application/json",
        "X-Custom-Key": "***",
    }
    assert mask_url("https://user:pw@h/p?api_key=k&page=2") == "https://***@h/p?api_key=***&page=2"
    assert mask_url("http://h/p?page=2") == "http://h/p?page=2"
