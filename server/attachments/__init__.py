"""Evidence 拍照取证: photos and documents attached to visits, disputes and their steps. Nothing here knows of Flask:
images.py proves and re-encodes a photo, documents.py checks a PDF, store.py keeps the files, upload.py turns an
upload into a row, attach.py links attachments to records and says who may see them."""
