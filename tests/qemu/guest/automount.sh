#!/bin/sh
# The desktop automounter's stand-in (udisks2 + a GNOME session), run by busybox `uevent` for
# every kernel uevent. It follows packaging/linux/udev/61-shouwei-media.rules exactly: a USB
# disk or partition is ignored (UDISKS_IGNORE=1) until the agent's synthetic "change" uevent
# carries SHOUWEIGATE; then it mounts at once, read-only when the block device says ro (as
# udisks does), and tries to write through the mount, through a read-write remount and to the
# raw disk, logging each outcome.
[ "$SUBSYSTEM" = block ] || exit 0
case "$DEVPATH" in */usb[0-9]*) ;; *) exit 0 ;; esac
name=${DEVNAME##*/}
case "$ACTION" in
  add)
    echo "E2E IGNORED $name" ;;
  change)
    gate=$SYNTH_ARG_SHOUWEIGATE
    [ -n "$gate" ] || exit 0
    echo "E2E RELEASED $name $gate"
    if [ "$DEVTYPE" = disk ]; then
      if dd if=/dev/zero of=/dev/$name bs=512 count=1 seek=100 conv=fsync 2>/dev/null; then
        echo "E2E RAWWRITE $name ok"
      else
        echo "E2E RAWWRITE $name refused"
      fi
      ls -d /sys/class/block/$name/${name}[0-9]* >/dev/null 2>&1 && exit 0
    fi
    opts=rw
    [ "$(cat /sys/class/block/$name/ro)" = 1 ] && opts=ro
    mkdir -p /media/$name
    if mount -t vfat -o $opts /dev/$name /media/$name; then
      echo "E2E MOUNTED $name $opts"
      if echo data > /media/$name/written-by-user 2>/dev/null && sync; then
        echo "E2E WRITE $name ok"
      else
        echo "E2E WRITE $name refused"
      fi
      if [ $opts = ro ]; then
        if mount -o remount,rw /media/$name 2>/dev/null; then
          echo "E2E REMOUNT-RW $name ok"
        else
          echo "E2E REMOUNT-RW $name refused"
        fi
      fi
    else
      echo "E2E MOUNT-FAILED $name $opts"
    fi ;;
esac
