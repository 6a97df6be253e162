"""Jupyter Server, installed from PyPI: a Swagger 2.0 API whose operations have no operationId, whose
document sets no host and is served only to a client that shows the server's token. Loaded from the URL the
server serves it at, with the token as a header; a file goes through create, read, update (save, rename),
list and delete, through the bound methods, validating responses in warn mode."""

import pytest

from talos_dynamic import Client
from talos_dynamic.errors import SpecError

from .conftest import JUPYTER_TOKEN


def checked(server, operation, result):
    server.note(operation, result.http.status, result.http.violations)
    return result


def test_the_spec_is_protected_and_the_error_says_so(jupyter_server):
    with pytest.raises(SpecError, match="redirected to a login page"):
        Client(f"{jupyter_server.url}/api/spec.yaml")


def test_contents_create_read_update_list_delete(jupyter_server):
    server = jupyter_server
    token = {"Authorization": f"token {JUPYTER_TOKEN}"}
    with Client(f"{server.url}/api/spec.yaml", headers=token, response_validation="warn") as jupyter:
        assert jupyter.spec.swagger2 and not any(op.operation_id for op in jupyter.spec.operations)
        status = checked(server, "GET /api/status", jupyter.get_api_status())
        assert status.http.response.url == f"{server.url}/api/status"  # no host: the host that served the spec

        folder = jupyter.put_api_contents_path(path="talos", type="directory")
        assert checked(server, "PUT /api/contents/{path}", folder).type == "directory"
        created = jupyter.put_api_contents_path(path="talos/notes.txt", type="file", format="text", content="first")
        checked(server, "PUT /api/contents/{path}", created)
        assert (created.http.status, created.name, created.type) == (201, "notes.txt", "file")

        read = checked(
            server, "GET /api/contents/{path}", jupyter.get_api_contents_path(path="talos/notes.txt", content=1)
        )
        assert read.content == "first"

        saved = jupyter.put_api_contents_path(path="talos/notes.txt", type="file", format="text", content="second")
        assert checked(server, "PUT /api/contents/{path}", saved).http.status == 200
        renamed = jupyter.patch_api_contents_path(path="talos/notes.txt", body={"path": "talos/renamed.txt"})
        assert checked(server, "PATCH /api/contents/{path}", renamed).path == "talos/renamed.txt"

        listing = checked(server, "GET /api/contents/{path}", jupyter.get_api_contents_path(path="talos", content=1))
        assert listing.type == "directory" and [item["name"] for item in listing.content] == ["renamed.txt"]
        reread = jupyter.get_api_contents_path(path="talos/renamed.txt", content=1)
        assert checked(server, "GET /api/contents/{path}", reread).content == "second"

        deleted = jupyter.delete_api_contents_path(path="talos/renamed.txt")
        assert checked(server, "DELETE /api/contents/{path}", deleted).http.status == 204
        with pytest.raises(jupyter.errors.NotFound) as caught:
            jupyter.get_api_contents_path(path="talos/renamed.txt")
        server.note("GET /api/contents/{path}", 404, caught.value.violations)
        # jupyter-server answers this 404 with text under Content-Type application/json: a violation, the text
        # kept on the error's body; a body that claims JSON and does not parse is never shown as the message
        error = caught.value
        assert [v.rule for v in error.violations] == ["json"] and "does not exist" in error.body
        assert error.message is None and error.error_shape == "unknown"
