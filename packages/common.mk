# Shared recipe for packages/NAME/Makefile: Debian's binary packages fetched
# and unpacked into a staging tree (debian-fetch.py; nothing is installed on
# the host), the recipe's rootfs/ overlay copied over it (its configuration),
# and the image baked from the tree. A recipe sets:
#   DEBS     the Debian packages to fetch (their libraries come along)
#   PROGRAM  the program to bake, as a path inside the tree (usr/sbin/nginx)
#   PRUNE    (optional) more paths inside the tree to leave out of the image
#   DIRS     (optional) empty directories the program expects (git keeps none)
#   SPLIT    (optional) a directory of the tree to leave out of the image and
#            put on $(OUT)/$(NAME)-data.iso instead, for `-b ISO,/that/dir`:
#            a large read-only tree (python's standard library) then stays on
#            disk instead of in the guest's memory
# and may add targets of its own (an ISO of data, say) to `all`.
#
#   make [KILN=path/to/kiln] [OUT=dir]   ->  $(OUT)/$(NAME).img
#   make fetch                           ->  only the download (exits 3 offline)

NAME := $(notdir $(CURDIR))
KILN ?= kiln
OUT ?= $(CURDIR)/out
PACKAGES_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
STAGE := $(OUT)/stage
IMAGE := $(OUT)/$(NAME).img
# Documentation, translations, iconv modules, editor syntax files and glibc's
# debugging aids (malloc debugging, memusage, pcprofile, thread_db): nothing
# the programs read. The image is in guest memory, so every file costs RAM.
GLIBC_DIR := lib/x86_64-linux-gnu
PRUNE_DEFAULT := usr/share/doc usr/share/man usr/share/info usr/share/locale usr/share/lintian \
                 usr/share/bug usr/share/vim usr/lib/x86_64-linux-gnu/gconv etc/init.d etc/logrotate.d etc/ufw \
                 $(GLIBC_DIR)/libc_malloc_debug.so.0 $(GLIBC_DIR)/libmemusage.so $(GLIBC_DIR)/libpcprofile.so \
                 $(GLIBC_DIR)/libthread_db.so.1

.PHONY: all fetch image clean
all: image
image: $(IMAGE)

fetch:
	python3 $(PACKAGES_DIR)/debian-fetch.py --debs $(OUT)/debs --stage $(OUT)/fetch-check $(DEBS)
	rm -rf $(OUT)/fetch-check

# The tree is rebuilt from scratch whenever the recipe or its overlay changes.
$(OUT)/stage.stamp: Makefile $(PACKAGES_DIR)/common.mk $(PACKAGES_DIR)/debian-fetch.py $(shell find rootfs 2>/dev/null)
	rm -rf $(STAGE)
	python3 $(PACKAGES_DIR)/debian-fetch.py --debs $(OUT)/debs --stage $(STAGE) $(DEBS)
	cd $(STAGE) && rm -rf $(PRUNE_DEFAULT) $(PRUNE)
	if [ -d rootfs ]; then cp -R rootfs/. $(STAGE)/; fi
	$(if $(DIRS),cd $(STAGE) && mkdir -p $(DIRS))
	$(if $(SPLIT),rm -rf $(OUT)/split && mkdir -p $(OUT)/split && mv $(STAGE)/$(SPLIT) $(OUT)/split/tree)
	touch $@

ifneq ($(SPLIT),)
all: $(OUT)/$(NAME)-data.iso
$(OUT)/$(NAME)-data.iso: $(OUT)/stage.stamp
	xorriso -as mkisofs -quiet -R -J -V DATA -o $@ $(OUT)/split/tree
endif

$(IMAGE): $(OUT)/stage.stamp
	$(KILN) bake --rootfs $(STAGE) hw_virtio $@ $(STAGE)/$(PROGRAM)

clean:
	rm -rf $(OUT)
