"""The Prefect server, installed from PyPI: FastAPI, an OpenAPI 3.1 document with a relative server URL,
on SQLite. Loaded from the URL the server serves its document at; a variable goes through create, read,
update, list and delete through the bound methods, validating responses in warn mode; FastAPI's error
bodies give their message."""

import uuid

import pytest

from talos_dynamic import Client


def checked(server, operation, result):
    server.note(operation, result.http.status, result.http.violations)
    return result


def test_variables_create_read_update_list_delete(prefect_server):
    server = prefect_server
    name = f"talos_{uuid.uuid4().hex[:12]}"
    with Client(f"{server.url}/api/openapi.json", response_validation="warn") as prefect:
        assert prefect.spec.version == (3, 1)
        create = prefect.operation("POST /variables/")
        created = checked(server, "POST /variables/", create(name=name, value={"limit": 3}, tags=["live"]))
        assert created.http.response.url == f"{server.url}/api/variables/"  # servers: [{url: /api}], resolved
        assert (created.http.status, created.name, created.value) == (201, name, {"limit": 3})

        read = checked(server, "GET /variables/{id}", prefect.operation("GET /variables/{id}")(id=created.id))
        assert list(read.tags) == ["live"]

        update = prefect.operation("PATCH /variables/{id}")
        assert checked(server, "PATCH /variables/{id}", update(id=created.id, value=[1, 2])).http.status == 204
        by_name = prefect.operation("GET /variables/name/{name}")(name=name)
        assert checked(server, "GET /variables/name/{name}", by_name).value == (1, 2)

        listed = checked(server, "POST /variables/filter", prefect.operation("POST /variables/filter")(limit=200))
        assert name in [variable["name"] for variable in listed]

        deleted = prefect.operation("DELETE /variables/{id}")(id=created.id)
        assert checked(server, "DELETE /variables/{id}", deleted).http.status == 204
        with pytest.raises(prefect.errors.NotFound) as caught:
            prefect.operation("GET /variables/{id}")(id=created.id)
        server.note("GET /variables/{id}", 404, caught.value.violations)
        assert caught.value.error_shape == "fastapi" and caught.value.message == caught.value.body["detail"]

        with pytest.raises(prefect.errors.ApiError) as caught:  # a value the spec allows, the server refuses
            create(name=name, value="x" * 6000, _validate="warn")
        server.note("POST /variables/", caught.value.http_status, caught.value.violations)
        error = caught.value  # Prefect's own 422 shape: {exception_message, exception_detail: [...]}
        assert error.http_status == 422 and error.message.startswith("Invalid request received.: body.value: ")
