"""The fast engine of the positive phase on every document in ../shared: every value RandomValues draws for
a plain argument schema is valid by jsonschema (an implementation that shares none of the drawing), and
every call it draws for an operation whose arguments are all plain passes the client's own validation."""

from __future__ import annotations

import random

import jsonschema

from talos_dynamic.call.arguments import ArgumentTable
from talos_dynamic.contract.random_values import RandomValues, plain
from talos_dynamic.contract.strategies import argument_schemas, bounded
from talos_dynamic.errors import RequestValidationError

from .documents import corpus_client, corpus_documents


def test_random_values_are_valid_and_random_calls_pass_validation_on_every_document(shared_dir):
    invalid, refused = [], []
    operations = plain_operations = calls = 0
    for path in corpus_documents(shared_dir):
        client = corpus_client(path)
        for operation in client.spec.operations:
            arguments = argument_schemas(client, operation, ArgumentTable(operation))
            operations += 1
            rng = random.Random(0)
            values = RandomValues(rng)
            for argument in arguments:
                if not plain(bounded(argument.schema)):
                    continue
                checker = jsonschema.Draft202012Validator(argument.schema, format_checker=jsonschema.FormatChecker())
                for _ in range(5):
                    value = values.value(bounded(argument.schema))
                    for error in checker.iter_errors(value):
                        invalid.append((path.name, operation.name, argument.name, value, error.message))
            if not all(plain(bounded(argument.schema)) for argument in arguments):
                continue
            plain_operations += 1
            for _ in range(3):
                chosen = [a for a in arguments if a.required or rng.random() < 0.5]
                kwargs = {a.name: values.value(bounded(a.schema)) for a in chosen}
                calls += 1
                try:
                    client._bind(operation).prepare(**kwargs)
                except RequestValidationError as error:
                    refused.append((path.name, operation.name, str(error)))
    assert not invalid, invalid[:5]
    assert not refused, refused[:5]
    assert operations > 3000 and plain_operations > 0.8 * operations and calls == 3 * plain_operations
