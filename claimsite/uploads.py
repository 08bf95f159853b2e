"""No page of the site takes a file: a file in a multipart form is skipped as it streams in,
never kept in memory or written to a temporary file (`FILE_UPLOAD_HANDLERS`)."""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class RefuseFiles(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        raise SkipFile("This site takes no files.")

    def receive_data_chunk(self, raw_data, start):  # pragma: no cover - new_file skips first
        return None

    def file_complete(self, file_size):  # pragma: no cover - new_file skips first
        return None
